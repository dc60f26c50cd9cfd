"""Pages of the work app: plans and their boards, my day (我的日程), team load, 日报. Thin views."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shangdui.core.decorators import member_required
from shangdui.core.forms import apply_validation_errors
from shangdui.core.htmx import is_htmx, render_page
from shangdui.core.models import Job
from shangdui.org.access import managed_member_ids, refuse
from shangdui.org.models import Member
from shangdui.shop.followups import followups_for_day
from shangdui.work import access, ics, notes, selectors, services
from shangdui.work.forms import (
    ActualHoursForm,
    AdHocItemForm,
    AttachmentForm,
    CommentForm,
    ItemMoveForm,
    LeaveForm,
    NoteForm,
    PlanForm,
    ReminderChannelForm,
    SummaryForm,
    TaskForm,
    parse_day,
)
from shangdui.work.models import (
    CalendarFeed,
    DailySummary,
    Plan,
    PlanReview,
    ReminderChannel,
    ReminderDelivery,
    ScheduleItem,
    Task,
    TaskAttachment,
    TaskComment,
)


def _viewer(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _refuse(request: HttpRequest, what: str) -> Http404:
    return refuse(_viewer(request), what=what, object_id="-", request=request)


# --- my day ----------------------------------------------------------------------------------------

def _my_day_context(request: HttpRequest, member: Member) -> dict[str, Any]:
    today = timezone.localdate()
    feed = CalendarFeed.objects.filter(member=member).first()
    return {
        "day": selectors.my_day(member, today),
        "add_form": AdHocItemForm(initial={"date": today}),
        "feed_url": request.build_absolute_uri(reverse("work:calendar_feed", args=[feed.token])) if feed else "",
        "summary": DailySummary.objects.filter(member=member, date=today).first(),
        "follow_ups": followups_for_day(member, today), "now": timezone.now(),
    }


@member_required
@require_GET
def my_day(request: HttpRequest) -> HttpResponse:
    return render(request, "work/my_day.html", _my_day_context(request, _viewer(request)))


def _day_fragment(request: HttpRequest) -> HttpResponse:
    if is_htmx(request):
        return render(request, "work/partials/_day.html", _my_day_context(request, _viewer(request)))
    return redirect("work:my_day")


@member_required
@require_POST
def item_done(request: HttpRequest, pk: int) -> HttpResponse:
    member = _viewer(request)
    item = access.get_item_for_user(member, pk, request=request)
    form = ActualHoursForm(request.POST)
    if form.is_valid():
        done = form.cleaned_data["done"] if "done" in request.POST else item.done
        services.item_set_done(member=member, item=item, done=done, actual_hours=form.cleaned_data["actual_hours"])
    else:
        messages.error(request, _("Hours of one day go from 0 to 24."))
    return _day_fragment(request)


@member_required
@require_POST
def item_push(request: HttpRequest, pk: int) -> HttpResponse:
    member = _viewer(request)
    item = access.get_item_for_user(member, pk, request=request)
    try:
        services.item_push_to_tomorrow(member=member, item=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return _day_fragment(request)


@member_required
@require_POST
def item_add(request: HttpRequest) -> HttpResponse:
    member = _viewer(request)
    form = AdHocItemForm(request.POST)
    if form.is_valid():
        services.item_add_adhoc(member=member, date=form.cleaned_data["date"] or timezone.localdate(),
                                title=form.cleaned_data["title"], hours=form.cleaned_data["hours"])
    else:
        messages.error(request, _("Enter what you will do and its hours (0.5 to 24)."))
    return _day_fragment(request)


@member_required
@require_POST
def feed_renew(request: HttpRequest) -> HttpResponse:
    services.calendar_feed_for(_viewer(request), renew=True)
    messages.success(request, _("Your calendar link is ready. An older link no longer works."))
    return redirect("work:my_day")


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The member's schedule as iCalendar; the secret token is the only credential."""
    feed = CalendarFeed.objects.select_related("member", "member__organization").filter(token=token).first()
    if feed is None or not feed.member.is_active:
        raise Http404()
    body = ics.calendar_for(feed.member, selectors.feed_items(feed.member, timezone.localdate()))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- daily summary ---------------------------------------------------------------------------------

@member_required
@require_http_methods(["GET", "POST"])
def summary(request: HttpRequest) -> HttpResponse:
    member = _viewer(request)
    today = timezone.localdate()
    date = parse_day(request.GET.get("date"), today)
    if date > today:
        date = today
    existing = DailySummary.objects.filter(member=member, date=date).first()
    if existing:
        initial = {"problems": existing.problems, "tomorrow_plan": existing.tomorrow_plan}
    else:  # tomorrow's plan starts as what is on the next working day
        nxt = services.next_working_day(member, date)
        upcoming = ScheduleItem.objects.filter(member=member, date=nxt).select_related("task")
        initial = {"tomorrow_plan": "\n".join(f"{i.label}（{float(i.hours):g}h）" for i in upcoming)}
    form = SummaryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.daily_summary_submit(member=member, date=date, **form.cleaned_data)
        messages.success(request, _("Daily summary submitted."))
        return redirect(f"{reverse('work:summary')}?date={date.isoformat()}")
    return render(request, "work/summary.html", {
        "form": form, "date": date, "summary": existing,
        "figures": selectors.summary_figures(member=member, date=date),
    })


@member_required
@require_GET
def summary_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.is_manager(viewer):
        raise _refuse(request, "team summaries")
    date = parse_day(request.GET.get("date"), timezone.localdate())
    rows = selectors.team_summaries(viewer, date)
    return render(request, "work/summary_list.html", {
        "date": date, "rows": rows, "submitted": sum(1 for r in rows if r["summary"] and r["summary"].submitted_at),
        "previous": date - dt.timedelta(days=1), "next": date + dt.timedelta(days=1),
    })


@member_required
@require_GET
def weekly(request: HttpRequest) -> HttpResponse:
    """周报: the viewer's week (or a managed member's with ?member=), plus the team roll-up for managers."""
    viewer = _viewer(request)
    start = selectors.week_start(parse_day(request.GET.get("start"), timezone.localdate()))
    member = viewer
    if request.GET.get("member"):
        member = access.get_schedule_member_for_user(viewer, request.GET["member"], request=request)
    return render(request, "work/weekly.html", {
        "member": member, "start": start, "end": start + dt.timedelta(days=6),
        "review": selectors.weekly_review(member, start),
        "team": selectors.team_week(viewer, start) if access.is_manager(viewer) and member == viewer else None,
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7),
    })


# --- team ------------------------------------------------------------------------------------------

@member_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.is_manager(viewer):
        raise _refuse(request, "team load")
    start = selectors.week_start(parse_day(request.GET.get("start"), timezone.localdate()))
    return render(request, "work/team.html", {
        "load": selectors.team_load(viewer, start), "start": start,
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7),
        "unplaced": selectors.unplaced_tasks(viewer), "last_run": selectors.last_replan(viewer.organization_id),
        "can_run": access.can_run_scheduler(viewer),
    })


@member_required
@require_POST
def schedule_run(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.can_run_scheduler(viewer):
        raise _refuse(request, "run scheduler")
    job = services.schedule_request(organization=viewer.organization, actor=viewer)
    assert job is not None
    return redirect("work:team_run_status", pk=job.pk)


@member_required
@require_GET
def schedule_run_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a re-plan run, then the 排不下 list (polled by htmx while it runs)."""
    viewer = _viewer(request)
    if not access.can_run_scheduler(viewer):
        raise _refuse(request, "scheduler run")
    job = Job.objects.filter(organization_id=viewer.organization_id, kind=services.REPLAN_KIND, pk=pk).first()
    if job is None:
        raise refuse(viewer, what="scheduler run", object_id=pk, request=request)
    context = {"job": job, "unplaced": selectors.unplaced_tasks(viewer) if job.is_finished else []}
    return render_page(request, "work/run.html", "work/partials/_run.html", context)


@member_required
@require_GET
def member_week(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    member = access.get_schedule_member_for_user(viewer, pk, request=request)
    start = selectors.week_start(parse_day(request.GET.get("start"), timezone.localdate()))
    return render(request, "work/member_week.html", {
        "member": member, "days": selectors.member_week(member, start), "start": start,
        "previous": start - dt.timedelta(days=7), "next": start + dt.timedelta(days=7),
        "can_move": viewer.id != member.id,
    })


@member_required
@require_http_methods(["GET", "POST"])
def item_move(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    item = access.get_item_manageable_for_user(viewer, pk, request=request)
    members = Member.objects.filter(organization_id=viewer.organization_id, pk__in=managed_member_ids(viewer))
    form = ItemMoveForm(request.POST or None, members=members,
                        initial={"member": item.member, "date": item.date, "hours": item.hours})
    if request.method == "POST" and form.is_valid():
        try:
            services.item_move(actor=viewer, item=item, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Moved and pinned; re-planning keeps it there."))
            return redirect(f"{reverse('work:member_week', args=[item.member_id])}?start={item.date.isoformat()}")
    return render(request, "work/form.html", {"form": form, "title": _("Move and pin: %(t)s") % {"t": item.label}})


@member_required
@require_http_methods(["GET", "POST"])
def leave_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    members = Member.objects.filter(organization_id=viewer.organization_id,
                                    pk__in={viewer.id, *managed_member_ids(viewer)})
    form = LeaveForm(request.POST or None, members=members, initial={"member": viewer})
    if request.method == "POST" and form.is_valid():
        try:
            services.leave_create(actor=viewer, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Leave recorded; schedules are being re-planned."))
            return redirect("work:my_day")
    return render(request, "work/form.html", {"form": form, "title": _("Record leave")})


# --- plans -----------------------------------------------------------------------------------------

@member_required
@require_GET
def plan_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(request, "work/plan_list.html", {
        "plans": selectors.plan_list(viewer), "can_create": access.can_create_plan(viewer)})


@member_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    if not access.can_create_plan(viewer):
        raise _refuse(request, "plan create")
    today = timezone.localdate()
    form = PlanForm(request.POST or None, organization_id=viewer.organization_id,
                    initial={"start": today, "end": today + dt.timedelta(days=27)})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=viewer, organization=viewer.organization, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Plan created. Add its tasks."))
            return redirect("work:plan_detail", pk=plan.pk)
    return render(request, "work/form.html", {"form": form, "title": _("New plan"), "testid": "plan-form"})


@member_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    plan = access.get_plan_for_user(viewer, pk, edit=True, request=request)
    initial = {"title": plan.title, "description": plan.description, "start": plan.start, "end": plan.end,
               "members": list(plan.members.all()), "status": plan.status, "is_template": plan.is_template}
    form = PlanForm(request.POST or None, organization_id=viewer.organization_id, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(actor=viewer, plan=plan, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Plan saved."))
            return redirect("work:plan_detail", pk=plan.pk)
    return render(request, "work/form.html", {"form": form, "title": plan.title, "testid": "plan-form"})


@member_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    plan = access.get_plan_for_user(viewer, pk, request=request)
    tasks = selectors.plan_tasks(plan)
    view = request.GET.get("view") if request.GET.get("view") in ("list", "timeline") else "board"
    return render(request, "work/plan_detail.html", {
        "plan": plan, "tasks": tasks, "view": view, "columns": selectors.plan_board(plan, tasks),
        "progress": selectors.plan_progress(tasks), "members": list(plan.members.all()),
        "can_edit": access.can_edit_plan(viewer, plan), "can_run": access.can_run_scheduler(viewer),
        "statuses": Task.Status.choices,
        "timeline": selectors.plan_timeline(plan, tasks, timezone.localdate()) if view == "timeline" else None,
    })


def _task_form_page(request: HttpRequest, plan: Plan, task: Task | None) -> HttpResponse:
    viewer = _viewer(request)
    initial: dict[str, Any] = {}
    if task is not None:
        initial = {
            "title": task.title, "description": task.description, "estimate_hours": task.estimate_hours,
            "due": task.due, "priority": task.priority, "stage": task.stage, "assignees": list(task.assignees.all()),
            "required_strengths": " ".join(f"{k}:{v}" for k, v in task.required_strengths.items()),
            "dependencies": list(task.dependencies.all()),
            "checklist": "\n".join(c.text for c in task.checklist.all()), "status": task.status,
            "recurrence": task.recurrence, "recurrence_weekdays": task.recurrence_weekdays,
        }
    else:
        initial = {"stage": plan.stages.first(), "due": plan.end}
    form = TaskForm(request.POST or None, plan=plan, task=task, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "checklist"}
        try:
            if task is None:
                services.task_create(actor=viewer, plan=plan, checklist=form.checklist_lines, **data)
            else:
                services.task_update(actor=viewer, task=task, checklist=form.checklist_lines, **data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Task saved; schedules are being re-planned."))
            return redirect("work:plan_detail", pk=plan.pk)
    title = task.title if task is not None else _("New task in %(plan)s") % {"plan": plan.title}
    return render(request, "work/form.html", {"form": form, "title": title, "testid": "task-form"})


@member_required
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = access.get_plan_for_user(_viewer(request), pk, edit=True, request=request)
    return _task_form_page(request, plan, None)


@member_required
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = access.get_task_for_user(_viewer(request), pk, edit=True, request=request)
    return _task_form_page(request, task.plan, task)


@member_required
@require_POST
def task_status(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    task = access.get_task_for_user(viewer, pk, edit=True, request=request)
    try:
        services.task_set_status(actor=viewer, task=task, status=request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(f"{reverse('work:plan_detail', args=[task.plan_id])}?view={request.POST.get('view', 'board')}")



# --- task page: comments and attachments -----------------------------------------------------------

def _task_context(request: HttpRequest, task: Task, *, comment_form: CommentForm | None = None,
                  attachment_form: AttachmentForm | None = None) -> dict[str, Any]:
    viewer = _viewer(request)
    can_edit = access.can_edit_plan(viewer, task.plan)
    comments = list(task.comments.select_related("author"))
    attachments = list(task.attachments.select_related("uploaded_by"))
    for comment in comments:
        comment.can_remove = can_edit or comment.author_id == viewer.id  # type: ignore[attr-defined]
    for attachment in attachments:
        attachment.can_remove = can_edit or attachment.uploaded_by_id == viewer.id  # type: ignore[attr-defined]
    return {
        "task": task, "can_edit": can_edit, "comments": comments, "attachments": attachments,
        "comment_form": comment_form or CommentForm(), "attachment_form": attachment_form or AttachmentForm(),
    }


@member_required
@require_GET
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A task with its checklist, comments and attachments (whoever sees the plan)."""
    task = access.get_task_for_user(_viewer(request), pk, request=request)
    return render(request, "work/task_detail.html", _task_context(request, task))


@member_required
@require_POST
def task_comment_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    task = access.get_task_for_user(viewer, pk, request=request)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.task_comment_add(author=viewer, task=task, body=form.cleaned_data["body"])
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            form = CommentForm()
    if is_htmx(request):
        return render(request, "work/partials/_comments.html", _task_context(request, task, comment_form=form))
    if form.errors:
        return render(request, "work/task_detail.html", _task_context(request, task, comment_form=form), status=400)
    return redirect(f"{reverse('work:task_detail', args=[task.pk])}#comments")


def _comment_for(request: HttpRequest, pk: int) -> TaskComment:
    viewer = _viewer(request)
    comment = TaskComment.objects.select_related("task", "task__plan").filter(
        task__organization_id=viewer.organization_id, pk=pk).first()
    if comment is None or not access.can_view_plan(viewer, comment.task.plan) or not services.can_remove(
            viewer, task=comment.task, author_id=comment.author_id):
        raise refuse(viewer, what="task comment", object_id=pk, request=request)
    return comment


@member_required
@require_POST
def task_comment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    comment = _comment_for(request, pk)
    task = comment.task
    services.task_comment_delete(actor=_viewer(request), comment=comment)
    if is_htmx(request):
        return render(request, "work/partials/_comments.html", _task_context(request, task))
    return redirect(f"{reverse('work:task_detail', args=[task.pk])}#comments")


@member_required
@require_POST
def task_attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    task = access.get_task_for_user(viewer, pk, request=request)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.task_attachment_add(actor=viewer, task=task, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("File attached."))
            return redirect(f"{reverse('work:task_detail', args=[task.pk])}#attachments")
    return render(request, "work/task_detail.html", _task_context(request, task, attachment_form=form), status=400)


def _attachment_for(request: HttpRequest, pk: int, *, remove: bool = False) -> TaskAttachment:
    """The attachment when the viewer sees its task (same rule as the task page); 404 otherwise."""
    viewer = _viewer(request)
    attachment = TaskAttachment.objects.select_related("task", "task__plan").filter(
        task__organization_id=viewer.organization_id, pk=pk).first()
    if attachment is None or not access.can_view_plan(viewer, attachment.task.plan) or (
            remove and not services.can_remove(viewer, task=attachment.task, author_id=attachment.uploaded_by_id)):
        raise refuse(viewer, what="task attachment remove" if remove else "task attachment", object_id=pk,
                     request=request)
    return attachment


@member_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _attachment_for(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404() from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type="application/octet-stream")
    response["Cache-Control"] = "private, max-age=0"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@member_required
@require_POST
def task_attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = _attachment_for(request, pk, remove=True)
    task = attachment.task
    services.task_attachment_delete(actor=_viewer(request), attachment=attachment)
    messages.success(request, _("Attachment removed."))
    return redirect(f"{reverse('work:task_detail', args=[task.pk])}#attachments")

# --- reminders -------------------------------------------------------------------------------------

@member_required
@require_http_methods(["GET", "POST"])
def reminder_settings(request: HttpRequest) -> HttpResponse:
    """Reminder channels (robots, e-mail) and the recent deliveries, failures included."""
    viewer = _viewer(request)
    if not access.is_manager(viewer):
        raise _refuse(request, "reminder settings")
    form = ReminderChannelForm(request.POST or None, organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            services.reminder_channel_create(actor=viewer, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            messages.success(request, _("Reminder channel added."))
            return redirect("work:reminder_settings")
    return render(request, "work/reminders.html", {
        "form": form,
        "channels": ReminderChannel.objects.filter(organization_id=viewer.organization_id).select_related(
            "department"),
        "deliveries": ReminderDelivery.objects.filter(organization_id=viewer.organization_id).select_related(
            "channel", "member")[:50],
    })


@member_required
@require_POST
def reminder_channel_delete(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    channel = ReminderChannel.objects.filter(organization_id=viewer.organization_id, pk=pk).first()
    if channel is None or not access.is_manager(viewer):
        raise refuse(viewer, what="reminder channel", object_id=pk, request=request)
    services.reminder_channel_delete(actor=viewer, channel=channel)
    messages.success(request, _("Reminder channel removed."))
    return redirect("work:reminder_settings")


# --- notes -----------------------------------------------------------------------------------------

@member_required
@require_GET
def note_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    query = request.GET.get("q", "").strip()[:100]
    found = notes.visible_notes(viewer)
    plan = None
    if request.GET.get("plan"):
        plan = access.get_plan_for_user(viewer, request.GET["plan"], request=request)
        found = found.filter(Q(plan=plan) | Q(task__plan=plan))
    if query:
        found = notes.search(found, query)
    return render_page(request, "work/notes.html", "work/partials/_notes.html", {
        "notes": found[:100], "query": query, "plan": plan})


@member_required
@require_http_methods(["GET", "POST"])
def note_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    plan = access.get_plan_for_user(viewer, request.GET["plan"], request=request) if request.GET.get("plan") else None
    task = access.get_task_for_user(viewer, request.GET["task"], request=request) if request.GET.get("task") else None
    form = NoteForm(request.POST or None, initial={"date": None if plan or task else timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            note = services.note_save(author=viewer, plan=plan, task=task, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        else:
            return redirect("work:note_detail", pk=note.pk)
    return render(request, "work/form.html", {"form": form, "title": _("New note"), "testid": "note-form"})


def _note_for(request: HttpRequest, pk: int) -> Any:
    viewer = _viewer(request)
    note = notes.visible_notes(viewer).filter(pk=pk).first()
    if note is None:
        raise refuse(viewer, what="note", object_id=pk, request=request)
    return note


@member_required
@require_GET
def note_detail(request: HttpRequest, pk: int) -> HttpResponse:
    note = _note_for(request, pk)
    return render(request, "work/note_detail.html", {"note": note, "html": notes.render(note.body),
                                                     "can_edit": note.author_id == _viewer(request).id})


@member_required
@require_http_methods(["GET", "POST"])
def note_edit(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    note = _note_for(request, pk)
    if note.author_id != viewer.id:
        raise refuse(viewer, what="note edit", object_id=pk, request=request)
    form = NoteForm(request.POST or None, initial={"title": note.title, "body": note.body, "date": note.date})
    if request.method == "POST" and form.is_valid():
        services.note_save(author=viewer, plan=note.plan, task=note.task, note=note, **form.cleaned_data)
        return redirect("work:note_detail", pk=note.pk)
    return render(request, "work/form.html", {"form": form, "title": note.title, "testid": "note-form"})


# --- plan review -----------------------------------------------------------------------------------

@member_required
@require_http_methods(["GET", "POST"])
def plan_review(request: HttpRequest, pk: int) -> HttpResponse:
    """复盘: planned vs actual, late tasks and their causes, lessons (editable by who edits the plan)."""
    viewer = _viewer(request)
    plan = access.get_plan_for_user(viewer, pk, request=request)
    can_edit = access.can_edit_plan(viewer, plan)
    figures = selectors.plan_review(plan, timezone.localdate())
    review = PlanReview.objects.filter(plan=plan).first()
    if request.method == "POST":
        if not can_edit:
            raise refuse(viewer, what="plan review", object_id=pk, request=request)
        causes = {}
        for row in figures["late"]:
            causes[row["task"].pk] = request.POST.get(f"cause-{row['task'].pk}", "")[:300]
        services.plan_review_save(actor=viewer, plan=plan, lessons=request.POST.get("lessons", "")[:5000],
                                  late_causes=causes)
        messages.success(request, _("Review saved."))
        return redirect("work:plan_review", pk=plan.pk)
    causes = review.late_causes if review else {}
    for row in figures["late"]:
        row["cause"] = causes.get(str(row["task"].pk), "")
    return render(request, "work/plan_review.html", {"plan": plan, "figures": figures, "review": review,
                                                     "can_edit": can_edit})


@member_required
@require_POST
def plan_copy(request: HttpRequest, pk: int) -> HttpResponse:
    """Start a new plan from a template (title and start date from the form)."""
    viewer = _viewer(request)
    template = access.get_plan_for_user(viewer, pk, request=request)
    if not access.can_create_plan(viewer):
        raise refuse(viewer, what="plan copy", object_id=pk, request=request)
    start = parse_day(request.POST.get("start"), timezone.localdate())
    title = (request.POST.get("title") or "").strip()[:100] or template.title
    plan = services.plan_from_template(actor=viewer, template=template, title=title, start=start)
    messages.success(request, _("Plan created from the template; schedules are being re-planned."))
    return redirect("work:plan_detail", pk=plan.pk)
