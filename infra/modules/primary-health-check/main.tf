# Route 53 health checks of the primary region's public endpoint: checkers in several AWS regions
# probe it from outside both regions, a vantage point independent of the standby. The failover
# controller reads their status (GetHealthCheckStatus) as its second witness before it pins
# traffic away from the primary (failover/README.md, "Decision table").
# Route 53 needs > 18 % of its checkers to see the endpoint healthy to call it healthy; at least
# three checker regions are required by the API.
resource "aws_route53_health_check" "primary" {
  for_each = toset(var.endpoints)

  fqdn              = each.value
  port              = var.port
  type              = var.type
  resource_path     = var.resource_path
  request_interval  = var.request_interval
  failure_threshold = var.failure_threshold
  regions           = var.checker_regions
  measure_latency   = false

  tags = merge(var.tags, { Name = "${var.name}-${each.value}" })
}
