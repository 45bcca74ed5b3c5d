"""The person registry for staff (``/manage/people/``): people across the years, their page,
their duplicates and merging them. Above the capabilities: nothing imports it but the API."""
