"""Named errors, as src/common/errors.ts: a code a user can act on and a sentence saying what to do."""


class SiftError(Exception):
    def __init__(self, code, message):
        super().__init__(f"{code}: {message}")
        self.code = code
