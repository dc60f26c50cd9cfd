"""Pages for goals, reviews, one-to-ones, meetings and the praise wall. Thin: validate, call, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from shangdui.core.decorators import member_required
from shangdui.core.forms import apply_validation_errors
from shangdui.org.access import can_manage, managed_member_ids, refuse
from shangdui.org.models import Member
from shangdui.performance import access, goals, people, reviews
from shangdui.performance import team as team_module
from shangdui.performance.forms import (
    CommentForm,
    ConfirmReviewForm,
    FeedbackForm,
    GoalChangeForm,
    GoalForm,
    ManagerAssessmentForm,
    MeetingForm,
    MeetingItemForm,
    OneOnOneRecordForm,
    OneOnOneScheduleForm,
    ProgressForm,
    SelfAssessmentForm,
)
from shangdui.performance.models import Goal, Meeting, MeetingItem, OneOnOne, Review


def _viewer(request: HttpRequest) -> Member:
    return request.member  # type: ignore[attr-defined,no-any-return]


def _with_progress(goal_list: list[Goal]) -> list[tuple[Goal, goals.Progress]]:
    return goals.goals_with_progress(goal_list)


@member_required
def home(request: HttpRequest) -> HttpResponse:
    """My goals, my latest pay; for managers the team: overdue one-to-ones, open problems, risks."""
    viewer = _viewer(request)
    today = timezone.localdate()
    context: dict[str, Any] = {
        "my_goals": _with_progress(goals.goals_for(viewer, member=viewer, period=today)),
        "praise": people.praise_wall(viewer.organization_id, limit=5),
        "is_manager": bool(managed_member_ids(viewer)), "overdue_days": people.OVERDUE_DAYS,
    }
    if context["is_manager"]:
        team = [g for g in goals.goals_for(viewer, period=today) if g.member_id != viewer.id]
        progress = _with_progress(team)
        overdue = people.overdue_one_on_ones(viewer)
        open_items = list(MeetingItem.objects.filter(meeting__organization_id=viewer.organization_id)
                          .exclude(state=MeetingItem.State.CLOSED).select_related("owner", "meeting")
                          .order_by("due", "id")[:50])
        cards = team_module.team_cards(viewer, progress, today)
        risks = team_module.risk_list(cards, progress, overdue, open_items, today)
        context.update(team_goals=progress, cards=cards, risks=risks, behind=risks["behind"],
                       overdue=overdue[:20], open_items=open_items[:20], trend_days=team_module.TREND_DAYS,
                       summary_days=team_module.SUMMARY_DAYS)
    return render(request, "performance/home.html", context)


@member_required
def goal_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    return render(request, "performance/goal_list.html", {"goals": _with_progress(goals.goals_for(viewer))})


@member_required
def goal_create(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = GoalForm(request.POST or None, organization_id=viewer.organization_id,
                    initial={"member": viewer.pk, "period_start": timezone.localdate().replace(day=1)})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["shop_ids"] = [shop.id for shop in data.pop("shop_ids") or []]
        try:
            goal = goals.goal_propose(actor=viewer, organization=viewer.organization, **data)
            return redirect("performance:goal_detail", pk=goal.pk)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        except PermissionError as exc:
            form.add_error(None, str(exc))
    return render(request, "performance/goal_form.html", {"form": form})


@member_required
def goal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    goal = access.get_goal_for_user(viewer, pk, request=request)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "comment":
                form = CommentForm(request.POST)
                if form.is_valid():
                    goals.goal_comment(actor=viewer, goal=goal, text=form.cleaned_data["text"])
            elif action == "confirm":
                goals.goal_confirm(actor=viewer, goal=goal)
            elif action == "change":
                change_form = GoalChangeForm(request.POST)
                if change_form.is_valid():
                    data = {k: v for k, v in change_form.cleaned_data.items() if v not in (None, "")}
                    goals.goalchange_propose(actor=viewer, goal=goal, **data)
            elif action == "change_confirm":
                change = goal.changes.get(pk=int(request.POST.get("change", "0") or 0))
                goals.goalchange_confirm(actor=viewer, change=change)
            elif action == "progress":
                progress_form = ProgressForm(request.POST)
                if progress_form.is_valid():
                    goals.goal_record_progress(actor=viewer, goal=goal, value=progress_form.cleaned_data["value"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except (PermissionError, ValueError, goal.changes.model.DoesNotExist) as exc:
            messages.error(request, str(exc) or _("Not allowed."))
        return redirect("performance:goal_detail", pk=goal.pk)
    return render(request, "performance/goal_detail.html", {
        "goal": goal, "progress": goals.goal_progress(goal), "comments": goal.comments.select_related("author"),
        "changes": goal.changes.select_related("proposed_by"), "children": goal.children.select_related("member"),
        "comment_form": CommentForm(), "change_form": GoalChangeForm(), "progress_form": ProgressForm(),
        "side": goals._side(viewer, goal)})


@member_required
def review_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    visible = Review.objects.filter(organization_id=viewer.organization_id).select_related("cycle", "member")
    if viewer.role not in (Member.Role.DIRECTOR, Member.Role.FINANCE):
        visible = visible.filter(member_id__in={viewer.id, *managed_member_ids(viewer)})
    profile = reviews.capability_profile(viewer)
    return render(request, "performance/review_list.html", {
        "reviews": list(visible.order_by("-cycle__period_end", "member__name")[:200]),
        "profile": profile, "chart": reviews.capability_chart(profile)})


@member_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    review = access.get_review_for_user(viewer, pk, request=request)
    is_member, is_manager = viewer.id == review.member_id, viewer.id != review.member_id and can_manage(
        viewer, review.member)
    self_form = SelfAssessmentForm(request.POST if request.POST.get("action") == "self" else None)
    manager_form = ManagerAssessmentForm(request.POST if request.POST.get("action") == "manager" else None)
    confirm_form = ConfirmReviewForm(request.POST if request.POST.get("action") == "confirm" else None)
    if request.method == "POST":
        try:
            action = request.POST.get("action")
            if action == "self" and self_form.is_valid():
                reviews.review_submit_self(actor=viewer, review=review, **self_form.cleaned_data)
            elif action == "manager" and manager_form.is_valid():
                reviews.review_submit_manager(actor=viewer, review=review, **manager_form.cleaned_data)
            elif action == "confirm" and confirm_form.is_valid():
                reviews.review_confirm(actor=viewer, review=review, **confirm_form.cleaned_data)
            else:
                messages.error(request, _("Please check the form."))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except PermissionError as exc:
            messages.error(request, str(exc))
        return redirect("performance:review_detail", pk=review.pk)
    return render(request, "performance/review_detail.html", {
        "review": review, "is_member": is_member, "is_manager": is_manager, "State": Review.State,
        "completion": reviews.weighted_completion(review.goal_results), "self_form": self_form,
        "manager_form": manager_form, "confirm_form": confirm_form})


@member_required
def oneonone_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    managed = managed_member_ids(viewer)
    members = Member.objects.filter(organization_id=viewer.organization_id, id__in=managed, is_active=True)
    chosen = members.filter(pk=request.GET.get("member") or 0).first() if request.GET.get(
        "member", "").isdigit() else None
    initial: dict[str, Any] = {"member": chosen.pk} if chosen else {}
    if chosen and request.GET.get("at"):
        initial["scheduled_for"] = request.GET["at"]
    form = OneOnOneScheduleForm(request.POST or None, members=members, initial=initial)
    if request.method == "POST":
        if not managed:
            raise refuse(viewer, what="one-to-one schedule", object_id="-", request=request)
        if form.is_valid():
            try:
                meeting = people.oneonone_schedule(actor=viewer, **form.cleaned_data)
                return redirect("performance:oneonone_detail", pk=meeting.pk)
            except PermissionError as exc:
                form.add_error(None, str(exc))
    mine = OneOnOne.objects.filter(organization_id=viewer.organization_id).select_related("member", "manager")
    mine = mine.filter(member_id__in={viewer.id, *managed})
    return render(request, "performance/oneonone_list.html", {
        "form": form if managed else None, "overdue": people.overdue_one_on_ones(viewer) if managed else [],
        "one_on_ones": list(mine.order_by("-scheduled_for")[:100]), "overdue_days": people.OVERDUE_DAYS,
        "chosen": chosen, "slots": people.suggest_slots(viewer, chosen) if chosen else []})


@member_required
def oneonone_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        meeting = OneOnOne.objects.select_related("member", "manager").get(
            organization_id=viewer.organization_id, pk=pk)
    except OneOnOne.DoesNotExist:
        raise refuse(viewer, what="one-to-one", object_id=pk, request=request) from None
    private = people.can_see_private_notes(viewer, meeting)
    if viewer.id != meeting.member_id and not private:
        raise refuse(viewer, what="one-to-one", object_id=pk, request=request)
    form = OneOnOneRecordForm(request.POST or None, initial={
        "shared_notes": meeting.shared_notes, "private_notes": meeting.private_notes,
        "action_items": "\n".join(a["text"] for a in meeting.action_items if isinstance(a, dict))})
    if request.method == "POST" and private and form.is_valid():
        data = form.cleaned_data
        people.oneonone_record(actor=viewer, one_on_one=meeting, shared_notes=data["shared_notes"],
                               private_notes=data["private_notes"], action_items=data["action_items"].splitlines())
        messages.success(request, _("One-to-one recorded."))
        return redirect("performance:oneonone_detail", pk=meeting.pk)
    return render(request, "performance/oneonone_detail.html", {
        "meeting": meeting, "private": private, "form": form if private else None})


@member_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = MeetingForm(request.POST or None, organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = people.meeting_create(actor=viewer, organization=viewer.organization, **form.cleaned_data)
            return redirect("performance:meeting_detail", pk=meeting.pk)
        except ValidationError as exc:
            apply_validation_errors(form, exc)
    meetings = Meeting.objects.filter(organization_id=viewer.organization_id).select_related("department")
    return render(request, "performance/meeting_list.html", {"form": form, "meetings": list(meetings[:100])})


@member_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = _viewer(request)
    try:
        meeting = Meeting.objects.get(organization_id=viewer.organization_id, pk=pk)
    except Meeting.DoesNotExist:
        raise refuse(viewer, what="meeting", object_id=pk, request=request) from None
    form = MeetingItemForm(request.POST if request.POST.get("action") == "add" else None,
                           organization_id=viewer.organization_id)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "add" and form.is_valid():
                people.meetingitem_add(actor=viewer, meeting=meeting, **form.cleaned_data)
            elif request.POST.get("action") == "state":
                item = meeting.items.get(pk=int(request.POST.get("item", "0") or 0))
                people.meetingitem_set_state(actor=viewer, item=item, state=request.POST.get("state", ""))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        except (PermissionError, ValueError, MeetingItem.DoesNotExist) as exc:
            messages.error(request, str(exc) or _("Not allowed."))
        return redirect("performance:meeting_detail", pk=meeting.pk)
    return render(request, "performance/meeting_detail.html", {
        "meeting": meeting, "items": meeting.items.select_related("owner", "raised_by"), "form": form,
        "State": MeetingItem.State})


@member_required
def wall(request: HttpRequest) -> HttpResponse:
    viewer = _viewer(request)
    form = FeedbackForm(request.POST or None, organization_id=viewer.organization_id)
    if request.method == "POST" and form.is_valid():
        try:
            people.feedback_give(actor=viewer, **form.cleaned_data)
            messages.success(request, _("Thank you: recorded."))
            return redirect("performance:wall")
        except ValidationError as exc:
            apply_validation_errors(form, exc)
        except PermissionError as exc:
            form.add_error(None, str(exc))
    return render(request, "performance/wall.html", {"form": form, "praise": people.praise_wall(
        viewer.organization_id), "my_criticism": people.criticism_for(viewer, viewer)})


@member_required
def member_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    """A member's private criticism: the member and their manager chain only."""
    from shangdui.org.access import get_member_private_for_user

    viewer = _viewer(request)
    member = get_member_private_for_user(viewer, pk, request=request)
    if viewer.role == Member.Role.FINANCE and viewer.id != member.id:
        raise refuse(viewer, what="criticism", object_id=pk, request=request)
    return render(request, "performance/member_feedback.html", {
        "member": member, "criticism": people.criticism_for(viewer, member)})

