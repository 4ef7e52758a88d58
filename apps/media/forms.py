from __future__ import annotations

from django import forms

from apps.accounts.models import ArtistProfile
from apps.performances.models import Performance
from apps.places.models import Area, Genre

from .services import TITLE_MAX


class _UploadForm(forms.Form):
    """The file is checked by the service, by its content; ``accept`` only helps the picker."""

    accept = ""
    file = forms.FileField(label="File", allow_empty_file=True)

    def __init__(self, *args, artist: ArtistProfile, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = self.accept
        if "performance" in self.fields:
            self.fields["performance"].queryset = Performance.objects.filter(artist=artist).order_by("-id")


class ClipUploadForm(_UploadForm):
    accept = "video/*"
    title = forms.CharField(max_length=TITLE_MAX, required=False)
    performance = forms.ModelChoiceField(
        queryset=Performance.objects.none(), required=False, empty_label="No performance"
    )


class StoryUploadForm(_UploadForm):
    accept = "video/*,image/*"
    performance = forms.ModelChoiceField(
        queryset=Performance.objects.none(), required=False, empty_label="No performance"
    )


class TrackUploadForm(_UploadForm):
    accept = "audio/*"
    title = forms.CharField(max_length=TITLE_MAX)
    genre = forms.ModelChoiceField(queryset=Genre.objects.all(), required=False)
    area = forms.ModelChoiceField(queryset=Area.objects.all(), required=False)
    artwork = forms.FileField(required=False, allow_empty_file=True, help_text="Optional cover image.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["artwork"].widget.attrs["accept"] = "image/*"


UPLOAD_FORMS = {"clip": ClipUploadForm, "story": StoryUploadForm, "track": TrackUploadForm}
