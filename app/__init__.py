"""The app wiring: connects ``hardware`` (screen, buttons, camera, printer) to ``ui`` and ``signer``.

It is the only package that imports all three; ``signer`` stays free of both, ``ui`` never touches
a driver, and ``hardware`` knows nothing of ours.
"""
