"""The flows: what moves data between the marketplace and the source, pass by pass.

Each flow module registers its outbox handlers and exception retry handlers when imported
(see ``IntegrationHubConfig.ready``). Tasks call the ``*_pass`` functions by integration id.
"""
