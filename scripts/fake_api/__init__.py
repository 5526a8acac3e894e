"""The one stand-in for the AIML API in tests and demos: the server (``server.py``), its account and
answers by endpoint, the faults a test scripts (``faults.py``) and the hostile behaviours it routes
(``hostile.py``); ``scripts/fake_api_server.py`` runs it by hand."""
