"""Webhook-triggered ingestion following the Standard Webhooks specification (see docs/webhooks.md)."""
