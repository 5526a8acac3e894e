from enum import StrEnum


class TransactionType(StrEnum):
    ADJUSTMENT = "ADJUSTMENT"
    BONUS = "BONUS"
    CREDITS_EXPIRED = "CREDITS_EXPIRED"
    INIT = "INIT"
    MODEL_USAGE = "MODEL_USAGE"
    PAYMENT = "PAYMENT"
    REFUND = "REFUND"

    def __str__(self) -> str:
        return str(self.value)
