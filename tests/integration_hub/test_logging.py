import logging

from integration_hub.logging import RedactSecretsFilter, redact


def test_redacts_headers_and_parameters():
    text = (
        "GET /api/orders headers={'Authorization': 'abc-123', 'X-Shopify-Access-Token': "
        "'shpat_x'} url=https://h/api?api_key=k1&max=100 password=hunter2 token: t0k"
    )
    cleaned = redact(text)
    for secret in ("abc-123", "shpat_x", "k1", "hunter2", "t0k"):
        assert secret not in cleaned
    assert "max=100" in cleaned


def test_bearer_tokens_are_redacted_whole():
    assert redact("Authorization: Bearer eyJhbGciOi.x.y") == "Authorization: ***"


def test_filter_rewrites_the_record():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "key %s", ("api_key=zz",), None)
    assert RedactSecretsFilter().filter(record) is True
    assert record.getMessage() == "key api_key=***"
