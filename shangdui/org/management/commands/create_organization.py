from __future__ import annotations

import getpass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from shangdui.org.services import department_apply_template, organization_create


class Command(BaseCommand):
    help = "Create a company (organization) and its director account."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--name", required=True, help="Company name, e.g. 花语电商")
        parser.add_argument("--slug", required=True, help="Short name (letters, digits, -)")
        parser.add_argument("--username", required=True, help="Director's login name")
        parser.add_argument("--director-name", required=True, help="Director's display name")
        parser.add_argument("--password", help="Director's password (asked for if omitted)")
        parser.add_argument("--with-departments", action="store_true",
                            help="Also create the five standard e-commerce departments")

    def handle(self, *args: Any, **options: Any) -> None:
        password = options["password"] or getpass.getpass("Password: ")
        try:
            director = organization_create(name=options["name"], slug=options["slug"],
                                           director_username=options["username"],
                                           director_name=options["director_name"], password=password)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        if options["with_departments"]:
            department_apply_template(organization=director.organization, actor=director)
        self.stdout.write(self.style.SUCCESS(f"Created {director.organization} with director {director.name}."))
