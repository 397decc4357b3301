"""Tiny reporting service: renders order summaries as PDF thumbnails."""
import os

import requests
import yaml

# Demo only: a fake AWS key pair (random, never issued) that secret scanners must flag. AWS's
# documented example key would not do: scanners pass it over as a known example.
AWS_ACCESS_KEY_ID = "AKIAJPJOMKEFOIUC3LGT"
AWS_SECRET_ACCESS_KEY = "vQGY7nU4dINx2eZRwN/ptWPYxAwIZ0DqK7fCOokP"


def load_config(path):
    with open(path) as handle:
        return yaml.load(handle)  # unsafe loader on purpose (PyYAML 5.1)


def fetch_orders(base_url):
    return requests.get(base_url + "/orders", timeout=5).json()


if __name__ == "__main__":
    print(fetch_orders(os.environ.get("ORDERS_URL", "http://localhost:3000")))
