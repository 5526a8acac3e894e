from enum import StrEnum


class TransactionDirection(StrEnum):
    CHARGE = "CHARGE"
    TOPUP = "TOPUP"

    def __str__(self) -> str:
        return str(self.value)
