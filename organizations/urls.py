from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/changed/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # An invited person chooses a first password (the link is mailed by the team page).
    path("welcome/<uidb64>/<token>/", views.WelcomeView.as_view(), name="welcome"),
    path("language/", views.set_language_preference, name="set_language_preference"),
    path("keepalive/", views.keepalive, name="keepalive"),
    # Two-step sign-in (organizations.mfa).
    path("two-step/", views.mfa_account, name="mfa_account"),
    path("two-step/set-up/", views.mfa_setup, name="mfa_setup"),
    path("two-step/code/", views.mfa_verify, name="mfa_verify"),
    path("two-step/recovery-codes/", views.mfa_recovery_codes, name="mfa_recovery_codes"),
    path(
        "two-step/recovery-codes/new/",
        views.mfa_new_recovery_codes,
        name="mfa_new_recovery_codes",
    ),
    path("two-step/turn-off/", views.mfa_turn_off, name="mfa_turn_off"),
]
