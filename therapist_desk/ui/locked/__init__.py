"""The screens shown while the vault is locked: the first run and the unlock screen."""
