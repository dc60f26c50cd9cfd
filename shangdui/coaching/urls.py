from django.urls import path

from shangdui.coaching import views

app_name = "coaching"

urlpatterns = [
    path("", views.library, name="library"),
    path("playlists/new/", views.playlist_create, name="playlist_create"),
    path("clips/new/", views.clip_create, name="clip_create"),
    path("clips/<int:pk>/", views.clip_detail, name="clip_detail"),
    path("clips/<int:pk>/audio/", views.clip_audio, name="clip_audio"),
    path("clips/<int:pk>/listened/", views.clip_listened, name="clip_listened"),
    path("clips/<int:pk>/delete/", views.clip_delete, name="clip_delete"),
]
