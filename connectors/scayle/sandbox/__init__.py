"""The SCAYLE Admin API sandbox, mounted at /sandbox/scayle/ when HUB_SANDBOX=1."""
