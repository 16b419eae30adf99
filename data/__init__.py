"""Curated source data; installed as package data of ``kg.data`` so `kg build` works anywhere."""
