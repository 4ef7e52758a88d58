from django.db import models


class ReportReason(models.TextChoices):
    SPAM = "spam", "Spam or misleading"
    OFFENSIVE = "offensive", "Offensive or hateful"
    COPYRIGHT = "copyright", "Not theirs to post (copyright)"
    PRIVACY = "privacy", "Shows someone without consent"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    OPEN = "open", "Open"
    HIDDEN = "hidden", "Item hidden"
    DISMISSED = "dismissed", "Dismissed"
    WARNED = "warned", "Owner warned"


class ModerationVerb(models.TextChoices):
    HIDE = "hide", "Hidden"
    RESTORE = "restore", "Restored"
    DISMISS = "dismiss", "Report dismissed"
    WARN = "warn", "Owner warned"
