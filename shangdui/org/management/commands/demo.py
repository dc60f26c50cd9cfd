from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from shangdui.org.demo import DEMO_PASSWORD, build_demo
from shangdui.org.models import Organization


class Command(BaseCommand):
    help = "Fill an empty database with the demo company and print its logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true",
                            help="Do nothing (but print the logins hint) when any organization exists.")

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("zh-hans")
        if Organization.objects.exists():
            if options["if_empty"]:
                demo = Organization.objects.filter(slug="huayu").first()
                if demo is not None:
                    self.stdout.write(f"演示公司「{demo.name}」已存在。演示账号密码：{DEMO_PASSWORD}"
                                      "（总监 lindong，运营主管 wanghaiyan，运营成员 liwenbo，财务/人事 qianhui）")
                return
            self.stderr.write("数据库中已有组织；演示数据只会加载到空数据库。")
            return
        organization, logins = build_demo()
        self.stdout.write(self.style.SUCCESS(f"已创建演示公司：{organization.name}"))
        self.stdout.write(f"所有演示账号的密码：{DEMO_PASSWORD}")
        self.stdout.write(f"{'角色':<8}{'姓名':<8}登录名")
        for role, name, login in logins:
            self.stdout.write(f"{role:<8}{name:<8}{login}")
