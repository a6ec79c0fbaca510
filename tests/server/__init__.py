"""Tests of docforge.server against real `docforge serve` processes (a package, so that its
conftest does not shadow the top one: both would be the module `conftest`)."""
