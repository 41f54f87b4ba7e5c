"""Enquiry routes."""
