"""The stand-in server's account behind the usage, logs and key endpoints (see ``fake_api_server``)."""
