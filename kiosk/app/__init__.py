"""The composition root: the one place that wires the core to Qt, the devices, the hospital
clients and the offline store (controller, backends, CLI, walkthrough, self-test, doctor)."""
