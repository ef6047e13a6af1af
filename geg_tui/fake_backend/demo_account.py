"""The registered demo account (SIM-3), in a module light enough for the login screen's hint."""

DEMO_EMAIL = "claire.martin@exemple.fr"
DEMO_PASSWORD = "Grenoble-2026"
DEMO_QUESTION_ID = 2
DEMO_ANSWER = "Grenoble"
