from enum import StrEnum


class KeyScope(StrEnum):
    MODELAUDIO = "model:audio"
    MODELCHAT = "model:chat"
    MODELEMBEDDINGS = "model:embeddings"
    MODELIMAGE = "model:image"
    MODELOCR = "model:ocr"
    MODELRESPONSES = "model:responses"
    MODELSPEECH = "model:speech"
    MODELVIDEO = "model:video"

    def __str__(self) -> str:
        return str(self.value)
