"""Services: every write the hub makes goes through a function here (HackSoft style)."""
