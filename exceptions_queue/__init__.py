"""The exceptions queue: every failure the hub cannot fix by itself, owned and retryable.

A leaf app: any flow records into it (:func:`exceptions_queue.services.exception_record`);
retries look their handler up in a registry by kind instead of importing the flows.
"""
