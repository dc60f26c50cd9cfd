"""The shop API: figures equal the CLI's, encrypted receivers are never shown, other shops are 404."""

from __future__ import annotations

import io
from typing import Any

import pytest

from shangdui.shop.imports import orders_import
from shangdui.shop.models import Order, Shop
from shangdui.shop.tests.test_imports import _taobao


@pytest.mark.django_db
def test_orders_and_figures(world: Any, login: Any) -> None:
    paid = "2026-11-02 09:00:00"
    orders_import(organization=world.org, shop=world.shop, source=io.BytesIO(_taobao(
        f'="501",a,80.00,交易成功,张三,浙江省 杭州市 西湖区 路1号,138****0000,{paid},{paid},花,1',
        f'="502",b,20.00,交易关闭,李四,浙江省 杭州市 西湖区 路2号,138****0001,{paid},{paid},花,1',
        f'="503",c,5.00,等待买家付款,王五,浙江省 杭州市 西湖区 路3号,138****0002,{paid},,花,1')))
    Order.objects.filter(order_id="501").update(receiver_encrypted=True, receiver_name="##abc##")
    client = login(world.director)
    figures = client.get(f"/api/sales-figures?shop_id={world.shop.pk}").json()
    assert figures == {"orders": 3, "paid_orders": 2, "paid_gmv": "100.00", "refunds": "20.00",
                       "net_sales": "80.00", "average_order_value": "50.00", "refund_rate": "20.0"}
    listing = client.get(f"/api/orders?shop_id={world.shop.pk}&paid=true").json()
    assert listing["count"] == 2
    encrypted = next(o for o in listing["items"] if o["order_id"] == "501")
    assert encrypted["receiver_name"] is None and encrypted["receiver_encrypted"] is True
    imports = client.get(f"/api/shops/{world.shop.pk}/imports").json()
    assert imports["items"][0]["result"]["created"] == 3
    # Bob (ops member) does not see a customer-service shop; the other company never sees ours.
    cs_shop = Shop.objects.create(organization=world.org, name="客服店", platform="jd", department=world.cs)
    assert login(world.peer).get(f"/api/orders?shop_id={cs_shop.pk}").status_code == 404
    assert login(world.other_director).get(f"/api/sales-figures?shop_id={world.shop.pk}").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_upload_import_job_by_api(world: Any, login: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shangdui.core.models import Job

    world.shop.department = world.ops
    world.shop.save()
    data = _taobao('="601",a,80.00,交易成功,张三,浙江省 杭州市 西湖区 路1号,138****0000,'
                   '2026-11-02 09:00:00,2026-11-02 09:00:00,花,1')
    client = login(world.member)
    response = client.post(f"/api/shops/{world.shop.pk}/imports", {"file": SimpleUploadedFile("a.csv", data)})
    assert response.status_code == 201, response.content
    job = Job.objects.get(pk=response.json()["job_id"])
    assert job.status == "done" and job.result["created"] == 1
    assert client.get(f"/api/jobs/{job.pk}").json()["result"]["paid_gmv"] == "80.00"
    upload = {"file": SimpleUploadedFile("a.csv", data)}
    assert login(world.finance).post(f"/api/shops/{world.shop.pk}/imports", upload).status_code == 404
    upload = {"file": SimpleUploadedFile("a.csv", data)}
    assert login(world.other_director).post(f"/api/shops/{world.shop.pk}/imports", upload).status_code == 404
