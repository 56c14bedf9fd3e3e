"""A bug in one screen closes that screen with a message; it never takes the device down."""

from __future__ import annotations

from PIL import Image

from ui.app import App
from ui.events import Input, Key
from ui.screen import Action, Content, Screen
from ui.screens.menu import Menu


class Exploding(Screen):
    def __init__(self, where: str) -> None:
        self.where = where

    def content(self) -> Content:
        return Content("Exploding", lines=["seed words would be here"])

    def on_input(self, event: Input) -> Action | None:
        if self.where == "input":
            raise ValueError("abandon abandon abandon")
        return None

    def on_tick(self, now: float) -> Action | None:
        if self.where == "tick":
            raise RecursionError("deep")
        return None

    def render(self) -> Image.Image:
        if self.where == "render":
            raise KeyError("x")
        return super().render()


def home() -> Menu:
    return Menu("Home", [], back=False)


def test_an_error_in_a_screen_shows_its_type_only_and_the_device_goes_on() -> None:
    for where, kind in (("input", "ValueError"), ("tick", "RecursionError"), ("render", "KeyError")):
        app = App(home)
        app.stack.append(Exploding(where))
        app.frame() if where == "render" else None
        app.handle(Input.press(Key.PRESS)) if where == "input" else app.tick(1.0)
        content = app.content()
        assert content.title == "Stopped", where
        shown = " ".join(content.lines)
        assert kind in shown and "abandon" not in shown
        app.frame()  # the message draws
        app.handle(Input.press(Key.PRESS))  # OK goes back to the root, which still works
        assert app.content().title == "Home"
