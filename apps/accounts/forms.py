from __future__ import annotations

from django import forms


class TokenForm(forms.Form):
    token = forms.CharField(
        label="6-digit code from your authenticator app",
        min_length=6,
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip()
        if not token.isdigit():
            raise forms.ValidationError("The code is 6 digits.")
        return token


class SwitchSchoolForm(forms.Form):
    school = forms.IntegerField()


def _role_field() -> forms.MultipleChoiceField:
    from .models import Role

    return forms.MultipleChoiceField(
        label="Roles in this school",
        choices=Role.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Roles that can read safeguarding records must sign in with an authenticator app.",
    )


class NewUserForm(forms.Form):
    username = forms.CharField(label="Username", max_length=150, help_text="Used to sign in, e.g. jsmith.")
    title = forms.CharField(label="Title", max_length=20, required=False)
    first_name = forms.CharField(label="First name", max_length=150)
    last_name = forms.CharField(label="Last name", max_length=150)
    email = forms.EmailField(label="Work email", help_text="A link to choose a password is sent here.")
    job_title = forms.CharField(label="Job title", max_length=120, required=False)
    roles = _role_field()

    def clean_username(self) -> str:
        from django.contrib.auth.validators import UnicodeUsernameValidator

        value = self.cleaned_data["username"].strip()
        UnicodeUsernameValidator()(value)
        return value


class RolesForm(forms.Form):
    roles = _role_field()
