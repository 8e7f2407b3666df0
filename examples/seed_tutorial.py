# The seed tutorial (tests/data/seed_tutorial_notebook.txt): TensorFlow's GradientTape basics, unchanged
# except for the import line. Comments translated from the original Chinese notebook.
import fasttape as tf
import numpy as np

x = tf.Variable(3.)
with tf.GradientTape() as tape:
  y = tf.square(x)
dy_dx = tape.gradient(y,x)

print(y)
print(dy_dx)

x = tf.Variable(3.)
with tf.GradientTape(persistent=True) as tape:
  y = tf.square(x)
  z = pow(x,3)  # z is x cubed
dy_dx = tape.gradient(y,x)
dz_dx = tape.gradient(z,x)

print(y)
print(dy_dx)
print(z)
print(dz_dx)

del tape  # with persistent=True, release the tape with del

x = tf.Variable(3.)
with tf.GradientTape(watch_accessed_variables=False) as tape:
  y = tf.square(x)
dy_dx_1 = tape.gradient(y,x)
print(dy_dx_1)

# watch(variable): watch a variable explicitly, e.g. a non-trainable one
x = tf.Variable(3.)
with tf.GradientTape(watch_accessed_variables=False) as tape:
  tape.watch(x)   # watch added by hand
  y = tf.square(x)
dy_dx_1 = tape.gradient(y,x)
print(dy_dx_1)

x = tf.constant(3.)  # tf.constant() is not a trainable variable
with tf.GradientTape(watch_accessed_variables=False) as tape:
  tape.watch(x)   # watch added by hand
  y = tf.square(x)
dy_dx_1 = tape.gradient(y,x)
print(dy_dx_1)

# Partial derivatives of a function of several variables:
# tape.gradient(function, variables), with one variable or several
x = tf.Variable(3.)
y = tf.Variable(4.)

with tf.GradientTape() as tape:
  f = tf.square(x) + 2*tf.square(y) + 1

df_dx, df_dy = tape.gradient(f,[x,y])  # can also be assigned to one variable: a list
print(df_dx)
print(df_dy)

# Second derivatives
x = tf.Variable(3.)
y = tf.Variable(4.)

with tf.GradientTape(persistent=True) as tape2:
  with tf.GradientTape(persistent=True) as tape1:
    f = tf.square(x) + 2*tf.square(y) + 1

  first_grads = tape1.gradient(f,[x,y])
second_grads = [tape2.gradient(first_grads,[x,y])]  # first_grads is a list, hence the brackets
print(f)
print(first_grads)
print(second_grads)

del tape1
del tape2

# Derivatives with respect to vectors / matrices
x = tf.Variable([1.,2.,3.])
y = tf.Variable([4.,5.,6.])

with tf.GradientTape() as tape:
  f = tf.square(x) + 2*tf.square(y) + 1

df_dx, df_dy = tape.gradient(f,[x,y])  # can also be assigned to one variable: a list
print(f)
print(df_dx)
print(df_dy)
