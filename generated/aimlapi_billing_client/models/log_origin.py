from enum import StrEnum


class LogOrigin(StrEnum):
    API = "api"
    PLAYGROUND = "playground"

    def __str__(self) -> str:
        return str(self.value)
