"""Write a `.env` for the local sandbox demo with freshly generated keys (used by `make run`)."""

import secrets
import sys
from pathlib import Path

from cryptography.fernet import Fernet

TEMPLATE = """\
# Written by `make run` for the local sandbox demo. See .env.example for every variable.
HUB_SECRET_KEY={secret}
HUB_ENCRYPTION_KEY={fernet}
HUB_SANDBOX=1
# The demo is served over plain http on 127.0.0.1; production keeps HUB_HTTPS=1 (the default).
HUB_HTTPS=0
HUB_ALLOWED_HOSTS=127.0.0.1,localhost
HUB_BASE_URL=http://127.0.0.1:8000
"""


def main(path: str) -> None:
    target = Path(path)
    if target.exists():
        print(f"{target} exists; leaving it alone")
        return
    text = TEMPLATE.format(secret=secrets.token_urlsafe(50), fernet=Fernet.generate_key().decode())
    target.write_text(text)
    target.chmod(0o600)
    print(f"wrote {target} with new keys (keep HUB_ENCRYPTION_KEY: it decrypts stored credentials)")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".env")
