"""The msgraph-sdk pieces we use, imported once.

msgraph-sdk's generated request builders (and kiota-abstractions 1.16) warn about their own
deprecated classes while defining them, which happens lazily on first use, possibly in the
middle of a request. Importing every builder we reach here, with exactly those warnings
silenced, keeps them out of logs and out of test runs that treat warnings as errors.
"""

from __future__ import annotations

import importlib
import warnings

_BUILDERS = (
    "users.users_request_builder",
    "users.item.user_item_request_builder",
    "users.item.mail_folders.mail_folders_request_builder",
    "users.item.mail_folders.item.mail_folder_item_request_builder",
    "users.item.mail_folders.item.messages.messages_request_builder",
    "users.item.mail_folders.item.messages.delta.delta_request_builder",
    "users.item.calendar_view.calendar_view_request_builder",
    "users.item.calendar_view.delta.delta_request_builder",
    "subscriptions.subscriptions_request_builder",
    "users.item.messages.messages_request_builder",
    "users.item.messages.item.message_item_request_builder",
    "users.item.messages.item.attachments.attachments_request_builder",
    "subscriptions.item.subscription_item_request_builder",
    "groups.groups_request_builder",
    "groups.item.group_item_request_builder",
    "groups.item.transitive_members.transitive_members_request_builder",
    "groups.item.transitive_members.graph_user.graph_user_request_builder",
)

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "GetQueryParameters is deprecated", DeprecationWarning)
    warnings.filterwarnings("ignore", "This class is deprecated", DeprecationWarning)
    for _name in _BUILDERS:
        importlib.import_module(f"msgraph.generated.{_name}")
    from msgraph import GraphRequestAdapter, GraphServiceClient
    from msgraph.generated.groups.item.transitive_members.graph_user.graph_user_request_builder import (  # noqa: E501
        GraphUserRequestBuilder as GroupUsersBuilder,
    )
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError
    from msgraph.generated.users.item.calendar_view.delta.delta_request_builder import (
        DeltaRequestBuilder as EventDeltaBuilder,
    )
    from msgraph.generated.users.item.mail_folders.item.messages.delta.delta_request_builder import (  # noqa: E501
        DeltaRequestBuilder as MessageDeltaBuilder,
    )
    from msgraph.generated.users.item.messages.item.attachments.attachments_request_builder import (  # noqa: E501
        AttachmentsRequestBuilder,
    )
    from msgraph.generated.users.item.messages.messages_request_builder import (
        MessagesRequestBuilder,
    )

__all__ = ["AttachmentsRequestBuilder", "EventDeltaBuilder", "GraphRequestAdapter",
           "GraphServiceClient", "GroupUsersBuilder", "MessageDeltaBuilder",
           "MessagesRequestBuilder", "ODataError"]
