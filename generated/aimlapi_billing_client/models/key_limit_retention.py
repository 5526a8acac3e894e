from enum import StrEnum


class KeyLimitRetention(StrEnum):
    DAY = "day"
    MONTH = "month"
    NO_RESET = "no_reset"
    WEEK = "week"

    def __str__(self) -> str:
        return str(self.value)
