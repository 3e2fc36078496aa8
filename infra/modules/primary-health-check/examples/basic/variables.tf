# This example takes no input variables: its values are literals in main.tf.
