"""The OpenAPI 3.0 description of /api/v1, served at /api/v1/openapi.json and checked with schemathesis."""
from __future__ import annotations

from typing import Any

STAGES = ["targeted", "opt_out", "no_resurvey", "invalid", "invited", "sent", "failed", "opened", "started", "completed",
          "unsubscribed"]


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


_ERRORS = {"401": _error_response("No valid API key."), "403": _error_response("The key lacks the permission or scope.")}

_COUNTS = {"type": "object", "additionalProperties": {"type": "integer"}}

SCHEMAS: dict[str, Any] = {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {
        "type": "object", "required": ["status", "message"],
        "properties": {"status": {"type": "integer"}, "message": {"type": "string"},
                       "message_ko": {"type": "string"}, "fields": {"type": "object"}}}}},
    "PostCall": {"type": "object", "required": ["wave", "call_id", "customer_number"], "properties": {
        "wave": {"type": "string", "maxLength": 64, "description": "Wave code of the continuous post-call survey."},
        "call_id": {"type": "string", "maxLength": 100, "description": "The phone system's call id (idempotency)."},
        "customer_number": {"type": "string", "maxLength": 30, "example": "010-1234-5678"},
        "agent_id": {"type": "string", "maxLength": 64}, "queue": {"type": "string", "maxLength": 64},
        "consent": {"type": "boolean", "default": True,
                    "description": "Whether the customer agreed to the survey SMS. false: nothing about the "
                                   "customer is stored and no SMS is sent (200, outcome no_consent)."}}},
    "PostCallResult": {"type": "object", "required": ["call_id", "wave", "outcome", "invitation_id"], "properties": {
        "call_id": {"type": "string"}, "wave": {"type": "string"},
        "outcome": {"type": "string", "enum": ["queued", "opt_out", "no_resurvey", "no_consent"]},
        "invitation_id": {"type": "integer", "nullable": True},
        "send_at": {"type": "string", "format": "date-time", "nullable": True},
        "message": {"type": "string"}, "message_ko": {"type": "string"}}},
    "WaveStatus": {"type": "object", "required": ["wave", "totals", "by_channel", "outbox"], "properties": {
        "wave": {"type": "object", "properties": {
            "id": {"type": "integer"}, "code": {"type": "string"}, "name": {"type": "string"},
            "state": {"type": "string"}, "opens_at": {"type": "string", "nullable": True},
            "closes_at": {"type": "string", "nullable": True}}},
        "plan_status": {"type": "string", "nullable": True},
        "totals": _COUNTS, "outbox": _COUNTS,
        "by_channel": {"type": "array", "items": {"type": "object", "properties": {"channel": {"type": "string"}},
                                                  "additionalProperties": {"type": "integer"}}},
        "response_rate": {"type": "number", "nullable": True,
                          "description": "Completed responses per invitation sent."}}},
    "NewCase": {"type": "object", "required": ["source", "category", "summary"], "properties": {
        "source": {"type": "string", "enum": ["call", "counter", "board", "sms"]},
        "category": {"type": "string", "enum": ["simple_inquiry", "legal_inquiry", "suggestion", "grievance",
                                                "complaint", "praise", "request"],
                     "description": "Decides the deadline in Korean business days (민원 처리에 관한 법률 시행령)."},
        "priority": {"type": "string", "enum": ["high", "normal", "low"], "default": "normal"},
        "summary": {"type": "string", "minLength": 1, "maxLength": 300},
        "detail": {"type": "string", "maxLength": 5000},
        "customer_id": {"type": "string", "maxLength": 64, "description": "The customer's external id."},
        "office_code": {"type": "string", "maxLength": 32, "description": "Owning unit; omitted: routing rules."},
        "external_ref": {"type": "string", "maxLength": 100, "description": "Call id or board post id."}}},
    "Case": {"type": "object", "required": ["id", "number", "status", "category", "due_on"], "properties": {
        "id": {"type": "integer"}, "number": {"type": "string", "example": "VOC-2026-000042"},
        "status": {"type": "string", "enum": ["received", "assigned", "in_progress", "answered", "closed",
                                              "reopened"]},
        "status_ko": {"type": "string"}, "category": {"type": "string"}, "priority": {"type": "string"},
        "source": {"type": "string"}, "received_on": {"type": "string", "format": "date"},
        "due_on": {"type": "string", "format": "date"}, "org_unit": {"type": "string", "nullable": True},
        "external_ref": {"type": "string", "nullable": True}}},
}


def _cases() -> dict:
    return {"post": {
        "summary": "Open a VOC case from the phone or board system.", "operationId": "newCase",
        "security": [{"bearer": []}],
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "maxLength": 200},
                        "description": "A repeat with the same key returns the first answer and opens nothing."}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewCase"}}}},
        "responses": {
            "201": {"description": "Opened.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
            **_ERRORS, "422": _error_response("Invalid body, unknown office or customer, or a reused Idempotency-Key.")}}}


def _case_status() -> dict:
    return {"get": {
        "summary": "A case's status, deadline and owning unit.", "operationId": "caseStatus",
        "security": [{"bearer": []}],
        "parameters": [{"name": "case_id", "in": "path", "required": True,
                        "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
        "responses": {"200": {"description": "The case.", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/Case"}}}}, **_ERRORS, "404": _error_response("No such case.")}}}


def _post_call() -> dict:
    return {"post": {
        "summary": "Report a finished call; an SMS survey invitation is queued (once per call id).",
        "operationId": "postCall", "security": [{"bearer": []}],
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "maxLength": 200},
                        "description": "A repeat with the same key returns the first answer."}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PostCall"}}}},
        "responses": {
            "201": {"description": "Recorded now.", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PostCallResult"}}}},
            "200": {"description": "This call id was reported before (its first result), or the customer did not "
                                   "consent (outcome no_consent: nothing stored, nothing sent).",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/PostCallResult"}}}},
            **_ERRORS, "404": _error_response("No such wave."), "409": _error_response("The wave is not running."),
            "422": _error_response("Invalid body, number, or an Idempotency-Key reused for another body.")}}}


def _wave_status() -> dict:
    return {"get": {
        "summary": "A wave's funnel, outbox and response rate.", "operationId": "waveStatus",
        "security": [{"bearer": []}],
        "parameters": [{"name": "wave_id", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1, "maximum": 2147483647}}],
        "responses": {"200": {"description": "Status.", "content": {"application/json": {
            "schema": {"$ref": "#/components/schemas/WaveStatus"}}}}, **_ERRORS, "404": _error_response("No such wave.")}}}


_TEXT = {"type": "string", "nullable": True}
_WHEN = {"type": "string", "nullable": True, "example": "2026-03-05T14:30:00+09:00",
         "description": "ISO 8601, or 2026-03-05 14:30, 2026.03.05, 20260305 (Korean time unless a zone is given)."}
_DAY = {"type": "string", "nullable": True, "example": "2026-03-05"}
_CONSENT = {"oneOf": [{"type": "boolean"}, {"type": "string", "enum": ["Y", "N", "동의", "미동의", "예", "아니요"]}],
            "nullable": True, "description": "Left out or null: unchanged."}
_ID = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^\\S+$"}


def _record(required: list[str], properties: dict) -> dict:
    return {"type": "object", "required": required, "additionalProperties": False, "properties": properties}


SCHEMAS.update({
    "CustomerRecord": _record(["external_id"], {
        "external_id": _ID, "kind": {"type": "string", "nullable": True, "enum": ["person", "business", "개인", "법인", None]},
        "name": {**_TEXT, "maxLength": 100}, "phone": {**_TEXT, "maxLength": 30, "example": "010-1234-5678"},
        "email": {**_TEXT, "maxLength": 254}, "address": {**_TEXT, "maxLength": 300},
        "birth_year": {"type": "integer", "nullable": True, "minimum": 1900, "maximum": 2100},
        "gender": {"type": "string", "nullable": True, "enum": ["M", "F", "남", "여", None]},
        "region": {**_TEXT, "maxLength": 64}, "customer_type": {**_TEXT, "maxLength": 64},
        "office_code": {**_TEXT, "maxLength": 32}, "joined_on": _DAY,
        "consent_survey": _CONSENT, "consent_marketing": _CONSENT, "consent_analysis": _CONSENT}),
    "InteractionRecord": _record(["external_id", "occurred_at", "channel"], {
        "external_id": _ID, "customer_id": {**_ID, "nullable": True, "description": "The customer's external id."},
        "occurred_at": {**_WHEN, "nullable": False},
        "channel": {"type": "string", "enum": ["call", "counter", "online", "board", "sms", "kiosk", "전화", "창구",
                                              "인터넷", "게시판", "문자", "키오스크"]},
        "office_code": {**_TEXT, "maxLength": 32}, "agent": {**_TEXT, "maxLength": 64},
        "topic_code": {**_TEXT, "maxLength": 64}, "outcome": {**_TEXT, "maxLength": 64},
        "note": {**_TEXT, "maxLength": 10000}}),
    "OrderRecord": _record(["external_id", "customer_id", "ordered_at", "amount"], {
        "external_id": _ID, "customer_id": {**_ID, "description": "The customer's external id."},
        "ordered_at": {**_WHEN, "nullable": False}, "category": {**_TEXT, "maxLength": 64},
        "product": {**_TEXT, "maxLength": 200},
        "amount": {"oneOf": [{"type": "integer"}, {"type": "string", "example": "12,300원"}], "description": "Won."},
        "quantity": {"type": "integer", "nullable": True, "minimum": 0, "maximum": 1000000},
        "status": {"type": "string", "nullable": True, "enum": ["ordered", "delivered", "returned", "exchanged",
                                                                "cancelled", "주문", "배송", "반품", "교환", "취소", None]},
        "delivered_on": _DAY, "returned_on": _DAY}),
    "RecordsResult": {"type": "object", "required": ["kind", "received", "created", "updated", "unchanged"],
                      "properties": {"kind": {"type": "string"}, "received": {"type": "integer"},
                                     "created": {"type": "integer"}, "updated": {"type": "integer"},
                                     "unchanged": {"type": "integer"}, "stubs": {"type": "integer"},
                                     "consent_events": {"type": "integer"}}},
})


def _records(kind: str, schema: str, summary: str) -> dict:
    ref = {"$ref": f"#/components/schemas/{schema}"}
    return {"post": {
        "summary": summary, "operationId": f"post{kind.title()}", "security": [{"bearer": []}],
        "parameters": [{"name": "Idempotency-Key", "in": "header", "required": False,
                        "schema": {"type": "string", "maxLength": 200},
                        "description": "A repeat with the same key returns the first answer."},
                       {"name": "create_missing", "in": "query", "required": False,
                        "schema": {"type": "string", "enum": ["0", "1"]},
                        "description": "1: an unknown customer id becomes a stub customer (organisation-wide keys)."}],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "oneOf": [ref, {"type": "array", "items": ref, "minItems": 1, "maxItems": 500}]}}}},
        "responses": {
            "200": {"description": "Every record stored (created, updated, or unchanged when it repeats).",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RecordsResult"}}}},
            **_ERRORS, "413": _error_response("More than 500 records."),
            "422": _error_response("Invalid records (error.problems: index, field, message); nothing stored.")}}}


def spec() -> dict:
    """The OpenAPI document."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "우편고객센터 설문조사 API (survey_app)", "version": "1.0.0",
                 "description": "API keys per integration: `Authorization: Bearer <key>`."},
        "servers": [{"url": "/api/v1"}],
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}, "schemas": SCHEMAS},
        "paths": {
            "/post-call": _post_call(),
            "/waves/{wave_id}/status": _wave_status(),
            "/customers": _records("customers", "CustomerRecord", "Create or update customers by external id."),
            "/interactions": _records("interactions", "InteractionRecord",
                                      "Create or update counselling contacts (상담 이력) by external id."),
            "/orders": _records("orders", "OrderRecord", "Create or update 우체국쇼핑 orders by external id."),
            "/cases": _cases(),
            "/cases/{case_id}": _case_status(),
            "/health": {"get": {"summary": "Liveness.", "operationId": "health", "responses": {"200": {
                "description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}}},
        },
    }
