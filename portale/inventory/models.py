"""Inventory has no models of its own: "I miei Export" rows are ``core.ExportJob``.

``export_upload_to`` stays for the historical migration ``0001_initial``.
"""

from __future__ import annotations


def export_upload_to(job, filename: str) -> str:
    return f"exports/{job.user_id}/{filename}"
