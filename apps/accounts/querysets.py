from __future__ import annotations

from django.db import models


class ArtistProfileQuerySet(models.QuerySet):
    def public(self) -> ArtistProfileQuerySet:
        """Profiles anyone may see: not hidden by a curator."""
        return self.filter(hidden=False)

    def visible_to(self, user) -> ArtistProfileQuerySet:  # noqa: ANN001
        """Public profiles, plus the user's own; curators see hidden ones too."""
        from .roles import is_curator

        if user is None or not user.is_authenticated:
            return self.public()
        if is_curator(user):
            return self
        return self.filter(models.Q(hidden=False) | models.Q(user=user))

    def for_listing(self) -> ArtistProfileQuerySet:
        return (
            self.select_related("home_area", "user")
            .prefetch_related("genres")
            .annotate(follower_count=models.Count("followers", distinct=True))
            .order_by("stage_name")
        )

    def in_genre(self, slug: str) -> ArtistProfileQuerySet:
        return self.filter(genres__slug=slug)

    def in_area(self, slug: str) -> ArtistProfileQuerySet:
        return self.filter(home_area__slug=slug)

    def search(self, text: str) -> ArtistProfileQuerySet:
        return self.filter(models.Q(stage_name__icontains=text) | models.Q(bio__icontains=text))

    def followed_by(self, user) -> ArtistProfileQuerySet:  # noqa: ANN001
        return self.filter(followers__fan=user)


class NotificationQuerySet(models.QuerySet):
    def for_user(self, user) -> NotificationQuerySet:  # noqa: ANN001
        return self.filter(recipient=user).select_related("actor")

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)
