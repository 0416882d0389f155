"""Helpers shared by the test suite: private Redis servers, worker processes, local HTTP sites."""
