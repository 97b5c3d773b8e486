"""UK date formats for Lantern, pinned rather than left to Django's locale defaults.

Dates read dd/mm/yyyy everywhere they are shown and typed. Input also takes
d/m/yyyy (strptime's %d and %m accept one digit), dashes or dots between the
parts, and ISO yyyy-mm-dd, which cannot be mistaken for a UK date. Two-digit
years are refused: 01/02/03 is no way to write a date of birth.
"""

DATE_FORMAT = "d/m/Y"
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d"]
FIRST_DAY_OF_WEEK = 1
