from enum import StrEnum


class UsageGrouping(StrEnum):
    DAY = "day"
    DAY_MODEL = "day,model"
    MODEL = "model"

    def __str__(self) -> str:
        return str(self.value)
