"""Risk rules that turn a decoded Ethereum request into warnings, the signer-local address
history (lookalike / first-time recipient) and the offline risk address tag library."""
