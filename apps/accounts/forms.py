from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import InlineValidationMixin
from apps.places.models import Area, Genre

from . import services
from .models import ArtistProfile, User


class SignupExtraForm(forms.Form):
    """Asked at sign-up, after email and password."""

    display_name = forms.CharField(
        max_length=60, required=False, help_text="Shown to others instead of your email."
    )

    def signup(self, request, user: User) -> None:  # noqa: ANN001
        user.display_name = self.cleaned_data.get("display_name", "").strip()
        user.save(update_fields=["display_name"])


class ArtistProfileForm(InlineValidationMixin, forms.ModelForm):
    # The service decides what is an image, by its content; the form only carries the file.
    avatar = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text="JPEG, PNG, WebP or GIF. We crop it square and remove its metadata.",
    )
    cover = forms.FileField(
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        help_text="A wide picture behind your name. We crop it to 3:1 and remove its metadata.",
        label="Cover image",
    )
    genres = forms.ModelMultipleChoiceField(
        queryset=Genre.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    home_area = forms.ModelChoiceField(queryset=Area.objects.all(), required=False)

    class Meta:
        model = ArtistProfile
        fields = [
            "stage_name",
            "bio",
            "avatar",
            "cover",
            "genres",
            "home_area",
            "instagram_url",
            "spotify_url",
            "youtube_url",
            "website_url",
        ]
        widgets = {"bio": forms.Textarea(attrs={"rows": 5})}
        labels = {
            "instagram_url": "Instagram",
            "spotify_url": "Spotify",
            "youtube_url": "YouTube",
            "website_url": "Website",
        }
        help_texts = {"bio": "A few lines about you. Links and simple formatting are kept."}

    def _clean_link(self, field: str) -> str:
        url = self.cleaned_data.get(field, "")
        try:
            services.check_link(field, url)
        except ValidationError as exc:
            raise ValidationError(exc.message_dict[field]) from exc
        return url

    def clean_instagram_url(self) -> str:
        return self._clean_link("instagram_url")

    def clean_spotify_url(self) -> str:
        return self._clean_link("spotify_url")

    def clean_youtube_url(self) -> str:
        return self._clean_link("youtube_url")

    def changes(self) -> dict:
        images = services.IMAGE_FIELDS
        data = {name: self.cleaned_data[name] for name in self.Meta.fields if name not in images}
        # Only a new upload replaces a picture: a field left empty cleans to the stored file.
        data.update({name: self.cleaned_data[name] for name in images if name in self.files})
        return data


class AccountSettingsForm(InlineValidationMixin, forms.ModelForm):
    preferred_genres = forms.ModelMultipleChoiceField(
        queryset=Genre.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Favourite genres",
    )

    class Meta:
        model = User
        fields = ["display_name", "preferred_genres", "radius_km"]
        labels = {"radius_km": "Search radius (km)"}
