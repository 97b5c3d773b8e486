"""Pages that combine the layers: home, caseload, person record, navigation, sign-in and the
second factor, the access report, the admin site and the table helpers."""
