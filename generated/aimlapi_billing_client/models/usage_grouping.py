from enum import StrEnum


class UsageGrouping(StrEnum):
    DAY = "day"
    DAYMODEL = "day,model"
    MODEL = "model"

    def __str__(self) -> str:
        return str(self.value)
