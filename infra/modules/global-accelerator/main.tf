resource "aws_globalaccelerator_accelerator" "this" {
  name            = var.name
  ip_address_type = "IPV4"
  enabled         = true

  # Flow logs on by default (issue #20), into the module's own bucket (flow-logs.tf) unless one is
  # given. The bucket policy must exist first: AWS checks it when flow logs are turned on
  # (AcceleratorAttributes.FlowLogsS3Bucket, Global Accelerator API reference).
  attributes {
    flow_logs_enabled   = var.flow_logs != null
    flow_logs_s3_bucket = var.flow_logs == null ? null : local.flow_logs_bucket
    flow_logs_s3_prefix = try(var.flow_logs.s3_prefix, null)
  }

  depends_on = [aws_s3_bucket_policy.flow_logs]
}

locals {
  # The listener forwards exactly the ports the NLBs serve (validated equal in every region), so the
  # accelerator never accepts a connection on a port nothing behind it serves.
  listener_ports = distinct(flatten([for g in values(var.endpoint_groups) : g.ports]))
}

resource "aws_globalaccelerator_listener" "this" {
  accelerator_arn = aws_globalaccelerator_accelerator.this.id
  protocol        = "TCP"
  client_affinity = "NONE"

  dynamic "port_range" {
    for_each = local.listener_ports
    content {
      from_port = port_range.value
      to_port   = port_range.value
    }
  }
}

# One endpoint group per region. Health: for NLB endpoints Global Accelerator ignores the endpoint
# group's health-check settings and uses the NLB target group's health (configured on the Envoy
# Service by the kubernetes module). A group with no healthy endpoint is skipped even at dial 100,
# and a 0% group still receives traffic when it is the only healthy one: that is the data-plane
# failover, which works even when the GA API (us-west-2) is unavailable.
resource "aws_globalaccelerator_endpoint_group" "this" {
  for_each = var.endpoint_groups

  listener_arn            = aws_globalaccelerator_listener.this.id
  endpoint_group_region   = each.key
  traffic_dial_percentage = each.value.traffic_dial_percentage

  endpoint_configuration {
    endpoint_id                    = each.value.endpoint_id
    weight                         = each.value.weight
    client_ip_preservation_enabled = each.value.client_ip_preservation_enabled
  }

  lifecycle {
    # The failover controller (standby cluster) owns the dials at run time: after a confirmed
    # failover it pins primary 0 / standby 100 until a deliberate failback. A Terraform apply must
    # not silently undo that, so only the initial value comes from here.
    ignore_changes = [traffic_dial_percentage]
  }
}
