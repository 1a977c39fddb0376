"""The body of a webhook delivery: a Standard Webhooks envelope whose `data` carries one document."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator


class DocumentPayload(BaseModel):
    model_config = ConfigDict(extra="ignore")

    filename: str | None = Field(None, max_length=512, examples=["2024年度政府信息公开工作年度报告.pdf"])
    content_type: str | None = Field(None, max_length=200, examples=["application/pdf"])
    text: str | None = Field(None, description="the report as text (HTML or plain)")
    content_base64: str | None = Field(None, description="the file's bytes, base64")
    url: str | None = Field(None, max_length=2048, description="fetch the file from here (allow-listed hosts only)")
    source_url: str | None = Field(None, max_length=2048, description="where the report is published, for reference")

    @model_validator(mode="after")
    def _exactly_one(self) -> DocumentPayload:
        given = [k for k in ("text", "content_base64", "url") if getattr(self, k) is not None]
        if len(given) != 1:
            raise ValueError("exactly one of `text`, `content_base64`, `url` is required")
        return self


class Delivery(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str = Field("report.published", max_length=100)
    timestamp: str | None = Field(None, max_length=64)
    data: DocumentPayload


class WebhookAccepted(BaseModel):
    webhook_id: str
    source: str
    id: str
    status: str
    status_url: str
    duplicate: bool = Field(description="true when the document or this delivery was seen before")
