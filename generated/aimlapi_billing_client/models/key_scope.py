from enum import StrEnum


class KeyScope(StrEnum):
    MODEL_AUDIO = "model:audio"
    MODEL_CHAT = "model:chat"
    MODEL_EMBEDDINGS = "model:embeddings"
    MODEL_IMAGE = "model:image"
    MODEL_OCR = "model:ocr"
    MODEL_RESPONSES = "model:responses"
    MODEL_SPEECH = "model:speech"
    MODEL_VIDEO = "model:video"

    def __str__(self) -> str:
        return str(self.value)
