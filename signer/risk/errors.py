from signer.errors import AirlockError


class RiskDataError(AirlockError):
    """A risk library file, update or address history is malformed, unsigned, tampered or older."""
