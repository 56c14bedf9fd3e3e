"""Airlock's device UI: Pillow-drawn 240x240 frames driven by joystick and key events.

For the app wiring (which alone knows the hardware)::

    from ui.device import build_app
    from ui.session import Session
    from ui.capture import capture

    session = Session(vault_path, camera=..., printer=..., interfaces=netcheck.interfaces(),
                      apply_settings=..., capture_allowed=False)
    app = build_app(session)
    loop: app.handle(Input(...)) for each button event (PRESS/RELEASE, HOLD with the held seconds
          while a key stays down); app.tick(clock()) about 20 times a second; when app.dirty,
          show app.frame(); for screenshots use capture(app, session), which blanks secrets.

``ui`` never imports ``hardware`` and never touches GPIO, SPI or camera drivers.
"""
