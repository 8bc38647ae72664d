"""Django admin: only the per-school attendance policy. Marks and their history are never edited
here (every change goes through the services, which keep the history)."""

from django.contrib import admin

from .models import AttendanceSettings


@admin.register(AttendanceSettings)
class AttendanceSettingsAdmin(admin.ModelAdmin):
    list_display = ("school", "register_open_minutes", "n_code_limit_school_days", "lesson_registers")
