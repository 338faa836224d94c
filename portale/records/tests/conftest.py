def pytest_configure(config):
    config.addinivalue_line(
        "markers", "demo_data: runs the demo_data generator (kept small and fast)"
    )
